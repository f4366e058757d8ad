// Verifies govgate's evidence-log artefacts with Go's golang.org/x/mod/sumdb/note and
// sumdb/tlog (an independent implementation): two checkpoints (signed notes), an inclusion
// proof and a consistency proof, read from the JSON file named on the command line.
// Prints "ok" and exits 0, or prints the failure and exits 1.
package main

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"os"
	"strconv"
	"strings"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"
)

type fixture struct {
	Vkey        string   `json:"vkey"`
	Old         string   `json:"old_checkpoint"`
	New         string   `json:"new_checkpoint"`
	LeafIndex   int64    `json:"leaf_index"`
	LeafHash    string   `json:"leaf_hash"`
	Inclusion   []string `json:"inclusion_proof"`
	Consistency []string `json:"consistency_proof"`
}

func fail(format string, args ...any) {
	fmt.Printf(format+"\n", args...)
	os.Exit(1)
}

func hash(b64 string) tlog.Hash {
	raw, err := base64.StdEncoding.DecodeString(b64)
	if err != nil || len(raw) != tlog.HashSize {
		fail("bad hash %q", b64)
	}
	var h tlog.Hash
	copy(h[:], raw)
	return h
}

func hashes(list []string) []tlog.Hash {
	out := make([]tlog.Hash, len(list))
	for i, h := range list {
		out[i] = hash(h)
	}
	return out
}

// open checks the note signature and parses the C2SP checkpoint body (origin, size, root).
func open(msg string, verifiers note.Verifiers) (string, int64, tlog.Hash) {
	n, err := note.Open([]byte(msg), verifiers)
	if err != nil {
		fail("note.Open: %v", err)
	}
	lines := strings.SplitN(n.Text, "\n", 4)
	if len(lines) < 4 {
		fail("not a checkpoint: %q", n.Text)
	}
	size, err := strconv.ParseInt(lines[1], 10, 64)
	if err != nil {
		fail("bad size %q", lines[1])
	}
	return lines[0], size, hash(lines[2])
}

func main() {
	data, err := os.ReadFile(os.Args[1])
	if err != nil {
		fail("%v", err)
	}
	var f fixture
	if err := json.Unmarshal(data, &f); err != nil {
		fail("%v", err)
	}
	verifier, err := note.NewVerifier(f.Vkey)
	if err != nil {
		fail("note.NewVerifier: %v", err)
	}
	verifiers := note.VerifierList(verifier)
	origin, oldSize, oldRoot := open(f.Old, verifiers)
	newOrigin, newSize, newRoot := open(f.New, verifiers)
	if origin != newOrigin || origin != verifier.Name() {
		fail("origins differ: %q %q %q", origin, newOrigin, verifier.Name())
	}
	if err := tlog.CheckRecord(hashes(f.Inclusion), newSize, newRoot, f.LeafIndex, hash(f.LeafHash)); err != nil {
		fail("tlog.CheckRecord: %v", err)
	}
	if err := tlog.CheckTree(hashes(f.Consistency), newSize, newRoot, oldSize, oldRoot); err != nil {
		fail("tlog.CheckTree: %v", err)
	}
	fmt.Println("ok")
}
