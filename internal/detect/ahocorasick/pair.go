package ahocorasick

// ScanPairASCII is ScanASCII with two automata over the same text in one
// pass: a with fa and b with fb. Each byte's two transitions do not depend
// on each other, so the processor overlaps their memory latency and the
// pair costs little more than one scan. Like ScanASCII it stops at the
// first byte that is not ASCII and reports whether it reached the end.
func ScanPairASCII(a, b *Automaton, text string, fa, fb func(pattern, end int)) bool {
	for _, p := range a.empty {
		fa(int(p), 0)
	}
	for _, p := range b.empty {
		fb(int(p), 0)
	}
	sa, sb := uint32(0), uint32(0)
	for i := 0; i < len(text); i++ {
		x := text[i]
		if x >= 0x80 {
			return false
		}
		ta := a.step(sa, uint32(a.class[x]))
		tb := b.step(sb, uint32(b.class[x]))
		sa, sb = ta&idMask, tb&idMask
		if (ta|tb)&hitFlag != 0 {
			if ta&hitFlag != 0 {
				a.report(sa, i+1, fa)
			}
			if tb&hitFlag != 0 {
				b.report(sb, i+1, fb)
			}
		}
	}
	return true
}

// step follows class c from state s; it returns the next id with hitFlag.
func (a *Automaton) step(s, c uint32) uint32 {
	if s < a.denseLen {
		return a.dense[s+c]
	}
	return a.sparseStep(s, c)
}
