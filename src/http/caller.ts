import type { Request } from 'express';
import type { Caller } from '../context';

/** The HTTP doors' reading of who calls; `req.ip` honours Express's `trust proxy` (TRUST_PROXY). */
export const callerOf = (req: Request): Caller => ({
  authorization: req.get('authorization'),
  tenant: req.get('x-tenant'),
  ip: req.ip ?? req.socket.remoteAddress ?? '',
});
