// Must not compile: approvals may include identity's public headers
// (identity.h, authenticator.h, service.h), not its internals. Built with
// mops_approvals' include dirs by the layer_violation_probe test.
#include "services/identity/state.h"
