import fs from 'node:fs';
import path from 'node:path';
import type { INestApplication } from '@nestjs/common';
import express, { type NextFunction, type Request, type Response } from 'express';

/**
 * The console's built files under /console (apps/console, built by `npm run build` into AJX_CONSOLE_DIR): files as
 * they are (hashed assets are immutable), and index.html for every other path below /console so the page's router
 * shows the right page. The pages are public — everything they show comes from the API, which needs a session.
 */
export function serveConsole(app: INestApplication, dir: string): void {
  const root = path.resolve(dir);
  const assets = express.static(root, {
    index: false,
    fallthrough: true,
    setHeaders: (res, file) => {
      if (file.includes(`${path.sep}assets${path.sep}`))
        res.setHeader('Cache-Control', 'public, max-age=31536000, immutable');
    },
  });
  app.use('/console', (req: Request, res: Response, next: NextFunction) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return next();
    assets(req, res, () => {
      const index = path.join(root, 'index.html');
      if (path.extname(req.path) !== '' || !fs.existsSync(index)) {
        res
          .status(404)
          .type('text/plain')
          .send(fs.existsSync(index) ? 'not found' : 'the console is not built: npm run build');
        return;
      }
      res.type('html').sendFile(index);
    });
  });
}
