// Package scaletest holds the integration tests of Vigil's scaled-out
// roles against the real engines: a three-server NATS JetStream cluster
// started inside the test (bustest), PostgreSQL from VIGIL_TEST_POSTGRES
// (scripts/pg-test-env), ingest and API nodes as services in the test's
// process, and detect nodes as child processes that the tests kill with
// SIGKILL. It has no code outside its tests.
package scaletest
