import 'dotenv/config';
import Fastify from 'fastify';
import { readFile } from 'node:fs/promises';

const fastify = Fastify({ logger: { level: process.env.LOG_LEVEL ?? 'info' } });

const banner = await readFile(new URL('./banner.txt', import.meta.url), 'utf8');

fastify.get('/', async () => ({ banner: banner.trim(), at: new Date().toISOString() }));

fastify.get('/items/:id', async (request, reply) => {
  const id = Number(request.params.id);
  if (!Number.isInteger(id)) {
    reply.code(400);
    return { error: 'id must be an integer', pattern: /\d+/.source };
  }
  return { id, name: `item-${id}` };
});

const start = async () => {
  try {
    await fastify.listen({ port: Number(process.env.PORT ?? 8080), host: process.env.HOST || '0.0.0.0' });
  } catch (err) {
    fastify.log.error(err);
    process.exit(1);
  }
};

start();
