// Worker process behind nginx: talks over a Unix socket, not a TCP port.
const fs = require('fs');
const http = require('http');

const SOCKET = '/run/reports/app.sock';
const TAG = /<\/?[a-z][^>]*>/gi;

function strip(html) {
  return html.replace(TAG, '').replace(/["']/g, '');
}

if (fs.existsSync(SOCKET)) {
  fs.unlinkSync(SOCKET);
}

const server = http.createServer((req, res) => {
  const body = strip(`<p>${req.url}</p>`);
  res.writeHead(200, { 'content-type': 'text/plain' });
  res.end(body + '\n');
});

// server.listen(3000) was the old TCP setup
const help = "call server.listen(port) to use TCP";

server.listen(SOCKET, () => {
  fs.chmodSync(SOCKET, 0o660);
});
