import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import zlib from 'node:zlib';
import vue from '@vitejs/plugin-vue';
import { defineConfig, type Plugin } from 'vite';

const here = path.dirname(fileURLToPath(import.meta.url));
const outDir = path.resolve(here, '../../dist/console');

/** Prints the bundle's size (raw and gzip, every file and the total) and writes it to dist/console/bundle-size.json. */
function bundleSize(): Plugin {
  return {
    name: 'ajx-bundle-size',
    apply: 'build',
    closeBundle() {
      const files: { file: string; bytes: number; gzip: number }[] = [];
      const walk = (dir: string) => {
        for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
          const p = path.join(dir, e.name);
          if (e.isDirectory()) walk(p);
          else if (!e.name.endsWith('.json')) {
            const buf = fs.readFileSync(p);
            files.push({ file: path.relative(outDir, p), bytes: buf.length, gzip: zlib.gzipSync(buf).length });
          }
        }
      };
      walk(outDir);
      const total = files.reduce((t, f) => ({ bytes: t.bytes + f.bytes, gzip: t.gzip + f.gzip }), {
        bytes: 0,
        gzip: 0,
      });
      fs.writeFileSync(path.join(outDir, 'bundle-size.json'), `${JSON.stringify({ files, total }, null, 2)}\n`);
      process.stdout.write(
        `console bundle: ${files.length} files, ${(total.bytes / 1024).toFixed(1)} KiB (${(total.gzip / 1024).toFixed(1)} KiB gzip)\n`,
      );
    },
  };
}

export default defineConfig({
  root: here,
  base: '/console/',
  plugins: [vue(), bundleSize()],
  build: {
    outDir,
    emptyOutDir: true,
    chunkSizeWarningLimit: 1200,
    // Modern Chromium/Firefox/Edge of government desktops; no polyfill fetched from anywhere.
    target: 'es2020',
    modulePreload: { polyfill: false },
  },
});
