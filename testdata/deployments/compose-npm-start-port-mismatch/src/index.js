import Fastify from 'fastify';

const fastify = Fastify({ logger: true });
const port = Number(process.env.PORT) || 8080;

fastify.get('/notes', async () => ({ notes: [] }));

try {
  await fastify.listen({ port, host: '0.0.0.0' });
} catch (err) {
  fastify.log.error(err);
  process.exit(1);
}
