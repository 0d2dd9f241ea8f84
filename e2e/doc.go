// Package e2e holds tests of several real facade processes sharing one Redis in front of one
// standalone sandbox process, all on loopback ports: the replicas' shared budget, approvals
// across replicas, an export resumed after a replica is killed, and a Redis outage. It has no
// code outside its tests.
package e2e
