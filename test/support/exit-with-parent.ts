/**
 * Preloaded (`node --import`) into the node processes a cluster test spawns.
 * Their stdin is a pipe from the test process; when it closes the test is
 * gone, killed too hard to run its cleanup, and the node exits rather than
 * linger and keep serving its namespace.
 */
process.stdin.on("end", () => process.exit(1));
process.stdin.on("error", () => process.exit(1));
process.stdin.resume();
// Reading stdin must not be what keeps a node alive once its broker has stopped.
process.stdin.unref();
