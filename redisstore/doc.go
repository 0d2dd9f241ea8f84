// Package redisstore keeps the state that several facade replicas behind one load balancer must
// share in Redis: approvals and used approval tokens (interceptors.ApprovalStore and
// UsedTokenStore), one outbound budget per upstream account (attio.SharedBudget), per-caller rate
// limits and stream caps, and heartbeats that count the live replicas.
//
// Every multi-key step is one Lua script, so replicas never see a half-done change. Keys share the
// hash tag of the prefix, so a script's keys are always on one node.
//
// When Redis is unreachable, writes, approvals and redemptions fail closed (the callers map the
// error to Unavailable); upstream reads go on under a local budget of 1/N of the rate, N being the
// number of live replicas last seen; everything recovers on its own when Redis answers again.
package redisstore
