package ahocorasick

// New builds an automaton that finds patterns. Patterns may repeat and may
// be empty; each is reported under its own index. ASCII letters are folded
// (A-Z match a-z); every other byte matches only itself.
func New(patterns []string, opts Options) *Automaton {
	a := &Automaton{patterns: len(patterns)}
	a.stride = assignClasses(&a.class, patterns)
	t := newTrie(len(patterns))
	a.outNext = make([]int32, len(patterns))
	for i, p := range patterns {
		if p == "" {
			a.empty = append(a.empty, int32(i))
			a.outNext[i] = -1
			continue
		}
		n := t.insert(&a.class, p)
		a.outNext[i] = t.out[n]
		t.out[n] = int32(i)
	}
	order := t.breadthFirst()
	fail := t.failLinks(order)
	budget := opts.DenseBytes
	if budget <= 0 {
		budget = DefaultDenseBytes
	}
	a.layout(t, order, fail, budget)
	return a
}

// assignClasses gives each byte that occurs in a pattern (after folding) a
// class of its own and all other bytes a shared class 0, and returns the
// number of classes. Merging further would need bytes that behave alike in
// every state, which a trie of real patterns almost never has.
func assignClasses(class *[256]uint8, patterns []string) uint32 {
	var used [256]bool
	for _, p := range patterns {
		for i := 0; i < len(p); i++ {
			used[fold(p[i])] = true
		}
	}
	unused := false
	for b := range used {
		if !used[b] && !isUpper(byte(b)) {
			unused = true
			break
		}
	}
	next := uint32(0)
	if unused {
		next = 1 // class 0: bytes in no pattern
	}
	for b := 0; b < 256; b++ {
		if used[b] {
			class[b] = uint8(next)
			next++
		}
	}
	for b := 'A'; b <= 'Z'; b++ {
		class[b] = class[b+'a'-'A']
	}
	return next
}

func isUpper(b byte) bool { return 'A' <= b && b <= 'Z' }

func fold(b byte) byte {
	if isUpper(b) {
		return b + 'a' - 'A'
	}
	return b
}

// trie is the build-time form: first-child/next-sibling lists keep it small
// while patterns are inserted; the root's children are also kept in a table
// because every failure chain ends there.
type trie struct {
	first   []int32 // first child, or -1
	sibling []int32 // next sibling, or -1
	label   []uint8 // class on the edge into the node
	out     []int32 // first pattern ending here, or -1
	root    [256]int32
}

func newTrie(hint int) *trie {
	t := &trie{}
	t.first = make([]int32, 1, hint+1)
	t.sibling = make([]int32, 1, hint+1)
	t.label = make([]uint8, 1, hint+1)
	t.out = make([]int32, 1, hint+1)
	t.first[0], t.sibling[0], t.out[0] = -1, -1, -1
	for i := range t.root {
		t.root[i] = -1
	}
	return t
}

// child returns u's child on class c, or -1.
func (t *trie) child(u int32, c uint8) int32 {
	if u == 0 {
		return t.root[c]
	}
	for v := t.first[u]; v >= 0; v = t.sibling[v] {
		if t.label[v] == c {
			return v
		}
	}
	return -1
}

// insert adds p's path and returns the node where p ends.
func (t *trie) insert(class *[256]uint8, p string) int32 {
	u := int32(0)
	for i := 0; i < len(p); i++ {
		c := class[p[i]]
		v := t.child(u, c)
		if v < 0 {
			v = int32(len(t.first))
			t.first = append(t.first, -1)
			t.sibling = append(t.sibling, t.first[u])
			t.label = append(t.label, c)
			t.out = append(t.out, -1)
			t.first[u] = v
			if u == 0 {
				t.root[c] = v
			}
		}
		u = v
	}
	return u
}

// breadthFirst returns the nodes in breadth-first order, root first. In
// this order every node comes after its failure target, which is shallower.
func (t *trie) breadthFirst() []int32 {
	order := make([]int32, 1, len(t.first))
	for i := 0; i < len(order); i++ {
		for v := t.first[order[i]]; v >= 0; v = t.sibling[v] {
			order = append(order, v)
		}
	}
	return order
}

// failLinks returns each node's failure link: the node of the longest
// proper suffix of its path that is also a path in the trie.
func (t *trie) failLinks(order []int32) []int32 {
	fail := make([]int32, len(t.first))
	for _, u := range order {
		for v := t.first[u]; v >= 0; v = t.sibling[v] {
			if u == 0 {
				continue // depth 1 fails to the root
			}
			c := t.label[v]
			f := fail[u]
			for {
				if w := t.child(f, c); w >= 0 {
					fail[v] = w
					break
				}
				if f == 0 {
					break
				}
				f = fail[f]
			}
		}
	}
	return fail
}

// layout numbers the states breadth-first, gives the first ones dense rows
// (within budget bytes) and the rest sparse rows, and builds the output
// chains.
func (a *Automaton) layout(t *trie, order, fail []int32, budget int) {
	n := len(order)
	nDense := min(max(budget/(4*int(a.stride)), 1), n)
	a.denseLen = uint32(nDense) * a.stride
	num := make([]int32, n) // node -> breadth-first number
	for i, u := range order {
		num[u] = int32(i)
	}
	a.outFirst = make([]int32, n)
	a.dict = make([]int32, n)
	for i, u := range order {
		a.outFirst[i] = t.out[u]
		a.dict[i] = -1
		if i == 0 {
			continue
		}
		f := fail[u]
		if f != 0 && t.out[f] >= 0 {
			a.dict[i] = num[f]
		} else {
			a.dict[i] = a.dict[num[f]]
		}
	}
	id := func(node int32) uint32 {
		i := uint32(num[node])
		if int(i) < nDense {
			return i * a.stride
		}
		return a.denseLen + i - uint32(nDense)
	}
	enc := func(node int32) uint32 {
		i := num[node]
		if a.outFirst[i] >= 0 || a.dict[i] >= 0 {
			return id(node) | hitFlag
		}
		return id(node)
	}
	a.dense = make([]uint32, a.denseLen)
	for i := 0; i < nDense; i++ {
		u := order[i]
		row := a.dense[uint32(i)*a.stride : uint32(i+1)*a.stride]
		if i > 0 {
			f := uint32(num[fail[u]]) // dense: shallower than u
			copy(row, a.dense[f*a.stride:(f+1)*a.stride])
		}
		for v := t.first[u]; v >= 0; v = t.sibling[v] {
			row[t.label[v]] = enc(v)
		}
	}
	nSparse := n - nDense
	a.sparseStart = make([]uint32, 0, nSparse+1)
	a.fail = make([]uint32, 0, nSparse)
	edges := nSparse // every sparse state but the deepest has a child
	a.edgeClass = make([]uint8, 0, edges)
	a.edgeNext = make([]uint32, 0, edges)
	for _, u := range order[nDense:] {
		a.sparseStart = append(a.sparseStart, uint32(len(a.edgeClass)))
		a.fail = append(a.fail, id(fail[u]))
		for v := t.first[u]; v >= 0; v = t.sibling[v] {
			a.edgeClass = append(a.edgeClass, t.label[v])
			a.edgeNext = append(a.edgeNext, enc(v))
		}
	}
	a.sparseStart = append(a.sparseStart, uint32(len(a.edgeClass)))
}
