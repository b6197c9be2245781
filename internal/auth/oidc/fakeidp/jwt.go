package fakeidp

import (
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"math/big"
)

// sign makes a compact JWS (RFC 7515) of claims with RS256 and the
// provider's key: the header names the key id that the JWKS lists.
func (p *Provider) sign(key *rsa.PrivateKey, claims map[string]any) string {
	header, _ := json.Marshal(map[string]string{"alg": "RS256", "typ": "JWT", "kid": p.kid})
	payload, err := json.Marshal(claims)
	if err != nil {
		panic("fakeidp: claims are not JSON: " + err.Error())
	}
	input := b64(header) + "." + b64(payload)
	sum := sha256.Sum256([]byte(input))
	sig, err := rsa.SignPKCS1v15(rand.Reader, key, crypto.SHA256, sum[:])
	if err != nil {
		panic("fakeidp: sign: " + err.Error())
	}
	return input + "." + b64(sig)
}

// Forge makes the provider sign the next ID tokens with a key its JWKS
// does not hold, under its own key id (false: its own key again), to test
// that a forged token is refused.
func (p *Provider) Forge(on bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.forge = nil
	if on {
		k, err := rsa.GenerateKey(rand.Reader, 2048)
		if err != nil {
			panic("fakeidp: generate RSA key: " + err.Error())
		}
		p.forge = k
	}
}

func b64(b []byte) string { return base64.RawURLEncoding.EncodeToString(b) }

// big64 is an integer as the unsigned big-endian base64url a JWK holds.
func big64(n int64) string { return b64(big.NewInt(n).Bytes()) }
