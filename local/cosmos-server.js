// Launches @vercel/cosmosdb-server with HTTP keep-alive (its own CLI closes the connection after
// every response, so each request would pay a new TLS handshake). Usage: node cosmos-server.js <port>
const { createHttpsServer } = require("@vercel/cosmosdb-server");

const port = Number(process.argv[2]);
if (!Number.isInteger(port) || port <= 0) {
  console.error("usage: cosmos-server.js <port>");
  process.exit(2);
}
createHttpsServer({ keepAlive: true }).listen(port, "127.0.0.1");
