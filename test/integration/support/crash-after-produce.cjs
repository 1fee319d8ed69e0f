'use strict';
// Preloaded into a normaliser child process (NODE_OPTIONS=--require): the first store write kills the process with
// SIGKILL, i.e. after the slice's canonical events were produced and acknowledged but before the store write and
// the offset commit. Used by the crash test only; production code has no such hook.
const path = require('node:path');
const repo = require(path.join(process.cwd(), 'dist/libs/canonical-store/src/canonical-store.repository.js'));
const original = repo.CanonicalStoreRepository.prototype.write;
repo.CanonicalStoreRepository.prototype.write = function write(w) {
  if (w.inserts.length > 0) {
    process.stderr.write(`crash-after-produce: killing the normaliser before storing ${w.inserts.length} events\n`);
    process.kill(process.pid, 'SIGKILL');
  }
  return original.call(this, w);
};
