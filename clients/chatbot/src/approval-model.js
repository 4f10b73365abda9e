// Reading an Approval message (as proto-loader gives it: snake_case fields,
// enums as strings): who decided this round, how far each group is, who is
// still to decide. Mirrors the rules of services/approvals/rules.cc closely
// enough to show progress; mopsd alone decides the outcome.

// The person whose place a decision took (a delegate decides for someone).
export function placeOf(decision) {
  return decision.on_behalf_of || decision.approver;
}

export function currentDecisions(approval) {
  return (approval.decisions ?? []).filter((d) => d.round === approval.round);
}

export function groupTally(approval, group) {
  const eligible = new Set(group.eligible ?? []);
  let approvals = 0;
  let rejects = 0;
  const decided = new Set();
  for (const d of currentDecisions(approval)) {
    const place = placeOf(d);
    if (!eligible.has(place)) continue;
    decided.add(place);
    if (d.outcome === 'APPROVE') approvals += 1;
    if (d.outcome === 'REJECT') rejects += 1;
  }
  const required = group.required || 1;
  return {
    required,
    approvals,
    rejects,
    satisfied: approvals >= required,
    waiting: [...eligible].filter((p) => !decided.has(p)),
  };
}

// People of groups not yet satisfied who have not decided this round.
export function stillToDecide(approval) {
  const out = new Set();
  for (const group of approval.groups ?? []) {
    const tally = groupTally(approval, group);
    if (!tally.satisfied) tally.waiting.forEach((p) => out.add(p));
  }
  return [...out];
}

// Every user name a rendering of `approval` mentions.
export function peopleIn(approval) {
  const out = new Set([approval.requester]);
  for (const group of approval.groups ?? []) (group.eligible ?? []).forEach((p) => out.add(p));
  for (const d of currentDecisions(approval)) {
    out.add(d.approver);
    if (d.on_behalf_of) out.add(d.on_behalf_of);
  }
  out.delete('');
  out.delete(undefined);
  return [...out];
}

export function groupLabel(group) {
  if (group.team) return `${group.leads_only ? 'leads of ' : ''}${group.team.replace(/^teams\//, '')}`;
  if (group.requester_manager) return "requester's manager";
  return (group.users ?? []).map((u) => u.replace(/^users\//, '')).join(', ');
}

export function isOpen(approval) {
  return approval.state === 'PENDING';
}

// Terminal states: nothing changes an approval any more.
export function isFinished(approval) {
  return ['APPROVED', 'REJECTED', 'CANCELLED', 'EXPIRED'].includes(approval.state);
}
