const cluster = require('node:cluster');
const os = require('node:os');
const http = require('node:http');

const { PORT = 5000, HOST = '127.0.0.1', WORKERS } = process.env;

const app = require('./app');

if (cluster.isPrimary) {
  const count = parseInt(WORKERS, 10) || os.availableParallelism();
  for (let i = 0; i < count; i++) {
    cluster.fork();
  }
  cluster.on('exit', (worker, code) => {
    console.warn(`worker ${worker.process.pid} exited with ${code}; restarting`);
    cluster.fork();
  });
} else {
  http.createServer(app).listen(PORT, HOST, () => {
    console.log(`worker ${process.pid} on ${HOST}:${PORT}`);
  });
}
