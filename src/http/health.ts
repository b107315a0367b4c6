import type { Request, Response } from 'express';
import type { Database } from '../db/database';

/**
 * 200 while the database answers; 503 (with Retry-After) while it does not. `media` says whether
 * this instance's SFU workers run (`unavailable`: calls work, video does not).
 */
export function healthHandler(db: Database, media: 'ok' | 'unavailable') {
  return async (_req: Request, res: Response) => {
    if (await db.ping()) return res.json({ status: 'ok', media });
    res.status(503).set('Retry-After', '5').json({ status: 'unavailable', database: 'unreachable', media });
  };
}
