// Package pgstore keeps Vigil's shared state in PostgreSQL when Vigil
// scales out to several nodes: alerts and incidents (alert.Store and
// alert.PartitionStore), searchable events (eventstore.Store), the
// self-audit hash chain (audit.Chain), assurance evidence and history
// (assure.Store), the estate's risk register and learned assets
// (estate.Store), privacy decisions and saved cases (privacy.DecisionStore,
// privacy.CaseStore) and the people data (people.DataStore). Each store
// passes the same test suite as its embedded counterpart, so the service
// behaves the same on either.
//
// Open connects a pool and applies the schema's versioned migrations
// (embedded .sql files) in one transaction under an advisory lock, so that
// nodes starting together apply them once. Every query is parameterised;
// the only identifier spliced into SQL is the schema name, quoted.
package pgstore
