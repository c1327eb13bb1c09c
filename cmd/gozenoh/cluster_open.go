package main

import "github.com/gozenoh/zenoh/cluster"

// openBus joins the cluster described by its configuration; tests replace it with a bus over an
// in-memory hub.
var openBus = cluster.Open
