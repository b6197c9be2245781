// Package auth is access control for Vigil's console and API: roles, API
// bearer tokens kept hashed in the data folder, local accounts with
// argon2id password hashes, server-side sessions in secure cookies, CSRF
// synchroniser tokens, a login rate limit, and the security headers every
// answer carries.
//
// The stores are files that the command line writes (vigil token create,
// vigil user add) while the service runs: they are replaced atomically,
// and the service re-reads a file when it has changed, so a new token
// works at once and a revoked one stops working at once. docs/security.md
// describes the whole design and its threat model.
package auth
