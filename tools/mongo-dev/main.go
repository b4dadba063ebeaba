// Command mongo-dev runs FerretDB (MongoDB wire protocol over SQLite) for
// tests and `npm run dev`. It is the project's only Go: see docs/decisions/002.
package main

import (
	"context"
	"flag"
	"fmt"
	"log"
	"os"
	"os/signal"
	"runtime/debug"
	"syscall"

	"github.com/FerretDB/FerretDB/ferretdb"
)

func main() {
	addr := flag.String("listen", "127.0.0.1:27017", "TCP address to listen on")
	dir := flag.String("dir", "", "directory for the SQLite files (required)")
	flag.Parse()
	// Go's collector at its default (GOGC=100) took about a quarter of this process's CPU in the
	// test suite, where FerretDB turns every document into short-lived values; the heap is tens of
	// megabytes, so letting it grow 4× before collecting costs little memory. GOGC still overrides.
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(400)
	}
	if *dir == "" {
		log.Fatal("mongo-dev: -dir is required")
	}
	if err := os.MkdirAll(*dir, 0o700); err != nil {
		log.Fatalf("mongo-dev: %v", err)
	}

	f, err := ferretdb.New(&ferretdb.Config{
		Listener:  ferretdb.ListenerConfig{TCP: *addr},
		Handler:   "sqlite",
		SQLiteURL: "file:" + *dir + "/",
	})
	if err != nil {
		log.Fatalf("mongo-dev: %v", err)
	}

	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()

	go func() {
		<-ctx.Done()
	}()
	fmt.Printf("mongo-dev listening on %s, data in %s\n", *addr, *dir)
	if err := f.Run(ctx); err != nil && ctx.Err() == nil {
		log.Fatalf("mongo-dev: %v", err)
	}
}
