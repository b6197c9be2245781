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
// (within budget bytes) and the rest sparse records, and builds the output
// chains.
func (a *Automaton) layout(t *trie, order, fail []int32, budget int) {
	n := len(order)
	l := &layouter{a: a, t: t, nDense: min(max(budget/(4*int(a.stride)), 1), n)}
	a.denseLen = uint32(l.nDense) * a.stride
	l.num = make([]int32, n)
	for i, u := range order {
		l.num[u] = int32(i)
	}
	a.outputs(t, order, fail, l.num)
	// A sparse state's id is the offset of its record, so the records'
	// sizes are summed first. Records go in depth-first order: a scan that
	// walks down a pattern then reads memory in sequence.
	sparse := l.depthFirstSparse()
	l.sparseID = make([]uint32, n-l.nDense)
	off := uint64(0)
	for _, u := range sparse {
		l.sparseID[int(l.num[u])-l.nDense] = a.denseLen + uint32(off)
		off += uint64(recordSize(t.children(u)))
	}
	if uint64(a.denseLen)+off > idMask {
		panic("ahocorasick: automaton too large for 31-bit state ids")
	}
	a.dense = make([]uint32, a.denseLen)
	for i, u := range order[:l.nDense] {
		row := a.dense[uint32(i)*a.stride : uint32(i+1)*a.stride]
		if i > 0 {
			f := uint32(l.num[fail[u]]) // dense: shallower than u
			copy(row, a.dense[f*a.stride:(f+1)*a.stride])
		}
		for v := t.first[u]; v >= 0; v = t.sibling[v] {
			row[t.label[v]] = l.enc(v)
		}
	}
	a.sparse = make([]uint32, 0, off)
	a.sparseStates = n - l.nDense
	for _, u := range sparse {
		a.sparse = l.appendRecord(a.sparse, u, fail[u])
	}
}

// outputs fills the per-state output tables: the patterns ending at each
// state and the link to the next state with outputs on its failure chain.
func (a *Automaton) outputs(t *trie, order, fail, num []int32) {
	a.outFirst = make([]int32, len(order))
	a.dict = make([]int32, len(order))
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
}

// layouter maps trie nodes to state ids while the tables are written.
type layouter struct {
	a        *Automaton
	t        *trie
	nDense   int
	num      []int32  // node -> breadth-first number
	sparseID []uint32 // sparse state (number - nDense) -> id
}

func (l *layouter) id(node int32) uint32 {
	i := int(l.num[node])
	if i < l.nDense {
		return uint32(i) * l.a.stride
	}
	return l.sparseID[i-l.nDense]
}

// enc is node's id with hitFlag when patterns end at it.
func (l *layouter) enc(node int32) uint32 {
	i := l.num[node]
	if l.a.outFirst[i] >= 0 || l.a.dict[i] >= 0 {
		return l.id(node) | hitFlag
	}
	return l.id(node)
}

// appendRecord appends node u's sparse record to sp.
func (l *layouter) appendRecord(sp []uint32, u, fail int32) []uint32 {
	n := l.t.children(u)
	sp = append(sp, l.id(fail), uint32(n), uint32(l.num[u]))
	classes := len(sp)
	for range (n + 3) / 4 {
		sp = append(sp, 0)
	}
	j := 0
	for v := l.t.first[u]; v >= 0; v = l.t.sibling[v] {
		sp[classes+j/4] |= uint32(l.t.label[v]) << (8 * (j % 4))
		sp = append(sp, l.enc(v))
		j++
	}
	return sp
}

// depthFirstSparse returns the sparse nodes in depth-first preorder.
func (l *layouter) depthFirstSparse() []int32 {
	out := make([]int32, 0, len(l.num)-l.nDense)
	stack := []int32{0}
	for len(stack) > 0 {
		u := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if int(l.num[u]) >= l.nDense {
			out = append(out, u)
		}
		for v := l.t.first[u]; v >= 0; v = l.t.sibling[v] {
			stack = append(stack, v)
		}
	}
	return out
}

// recordSize is the length in words of a sparse record with n edges.
func recordSize(n int) uint32 { return uint32(recEdges + (n+3)/4 + n) }

// children counts u's children.
func (t *trie) children(u int32) int {
	n := 0
	for v := t.first[u]; v >= 0; v = t.sibling[v] {
		n++
	}
	return n
}
