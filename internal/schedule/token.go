// Package schedule holds personal schedules: their tokens, the rules a selection of sessions
// must follow, and the service that creates, changes and serves them as feeds.
package schedule

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base32"
	"encoding/base64"
	"encoding/hex"
)

// tokenBytes is 256 random bits per token; the contract asks for at least 128.
const tokenBytes = 32

// NewToken returns a fresh random token, URL-safe.
func NewToken() string {
	b := make([]byte, tokenBytes)
	rand.Read(b) // crypto/rand.Read never returns an error and never fails short
	return base64.RawURLEncoding.EncodeToString(b)
}

var idEncoding = base32.NewEncoding("abcdefghijklmnopqrstuvwxyz234567").WithPadding(base32.NoPadding)

// NewID returns a fresh schedule id: 80 random bits, lowercase. Ids are not secret (every
// change also needs the edit token), but unguessable ids reveal nothing about how many
// schedules exist.
func NewID() string {
	b := make([]byte, 10)
	rand.Read(b)
	return idEncoding.EncodeToString(b)
}

// Hash returns the hex SHA-256 of a token, the only form in which tokens are stored.
// Tokens carry 256 random bits, so a fast unsalted hash is enough: there is nothing to
// guess from a dictionary.
func Hash(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// Matches reports, in constant time, whether token hashes to hash.
func Matches(token, hash string) bool {
	return subtle.ConstantTimeCompare([]byte(Hash(token)), []byte(hash)) == 1
}
