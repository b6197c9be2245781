// Package bench compares Vigil with peer implementations in the same run:
// github.com/bradleyjkemp/sigma-go for Sigma evaluation and
// www.velocidex.com/golang/evtx for EVTX parsing. It is a separate module so
// that the product never links the peers.
package bench
