// Preloaded (`node --require`) into the json-server process by json-server.mjs.
// - json-server 0.17 can listen on port 0 but only prints "localhost:0", so the real
//   port is reported to the parent over the IPC channel once the server listens.
//   This avoids the race of probing for a free port and handing it over.
// - The IPC channel closes whenever the parent goes, even killed by a signal that
//   skips its exit handlers: json-server then exits too instead of lingering.
"use strict";
const net = require("node:net");

const listen = net.Server.prototype.listen;
net.Server.prototype.listen = function (...args) {
  this.once("listening", () => {
    const address = this.address();
    if (process.send && address && typeof address === "object") {
      process.send({ ykienListening: address.port });
    }
  });
  return listen.apply(this, args);
};

process.on("disconnect", () => process.exit(0));
