// Package oidc logs people in to Vigil's console through an OpenID
// Connect provider (NHS Care Identity Service 2, or any standard one):
// discovery, the authorisation code flow with PKCE (S256), state and
// nonce checked, the ID token verified (signature by the provider's JWKS,
// issuer, audience, expiry, nonce), and the person's Vigil role read from
// a configured claim through a mapping from claim values to roles. A
// person whose claims map to no role is refused with a page saying why;
// one who is admitted gets an ordinary Vigil session, opened and audited
// by auth.Authenticator as a password login is.
package oidc
