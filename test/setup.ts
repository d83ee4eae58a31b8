// Colyseus reads the global WebSocket; Node 20 has none.
import "../colyseus/webSocketGlobal.ts";
