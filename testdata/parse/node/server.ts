import express, { Request, Response, NextFunction } from 'express';
import * as dotenv from 'dotenv';
import { createServer } from 'http';

dotenv.config();

interface HealthReport {
  status: 'ok' | 'degraded';
  checks: Array<{ name: string; ok: boolean }>;
}

type Handler = (req: Request, res: Response) => Promise<void>;

const app = express();
const port: number = Number(process.env.PORT) || 3000;
const host = <string>(process.env.BIND_HOST ?? '127.0.0.1');

const wrap = (fn: Handler) => (req: Request, res: Response, next: NextFunction): void => {
  fn(req, res).catch(next);
};

app.get(
  '/health',
  wrap(async (_req: Request, res: Response): Promise<void> => {
    const report: HealthReport = { status: 'ok', checks: [] };
    res.json(report);
  }),
);

class Metrics {
  private readonly counts = new Map<string, number>();

  hit(route: string): number {
    const next = (this.counts.get(route) ?? 0) + 1;
    this.counts.set(route, next);
    return next;
  }
}

export const metrics = new Metrics();

const server = createServer(app);
server.listen(port, host, () => {
  console.log(`listening on ${host}:${port}`);
});
