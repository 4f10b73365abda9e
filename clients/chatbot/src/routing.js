// Where an approval is posted. The channel map names approver groups the
// way the API does:
//   "teams/finance"  a team group (also "leads:finance", its leads)
//   "users/bob"      a group listing bob
//   "manager"        a "requester's manager" group
//   "default"        any group that matches none of the above
// Each group goes to its channel, so every group's approvers see the
// approval; an approval whose groups share a channel is posted there once.

function groupChannel(group, channels) {
  if (group.team && channels[group.team]) return channels[group.team];
  for (const user of group.users ?? []) {
    if (channels[user]) return channels[user];
  }
  if (group.requester_manager && channels.manager) return channels.manager;
  return channels.default;
}

// The distinct channels for `approval`, in the order of its groups.
export function channelsFor(approval, channels) {
  const out = new Set();
  for (const group of approval.groups ?? []) out.add(groupChannel(group, channels));
  if (out.size === 0) out.add(channels.default);
  return [...out];
}
