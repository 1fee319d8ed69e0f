#!/usr/bin/env node
'use strict';
// The `ajx` command. Kept tiny so start-up stays fast: the real code is the compiled apps/cli.
const fs = require('node:fs');
const path = require('node:path');

const entry = path.join(__dirname, '..', 'dist', 'apps', 'cli', 'src', 'main.js');
if (!fs.existsSync(entry)) {
  process.stderr.write('ajx: the project is not built yet; run `npm run build` in ' + path.dirname(__dirname) + '\n');
  process.exit(2);
}
require(entry);
