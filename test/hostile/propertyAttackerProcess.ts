import { fork, type ChildProcess } from "node:child_process";
import { defaultConfig } from "../../server/config.ts";
import type { AttackMode, AttackPlan, AttackStats } from "./propertyAttacker.ts";

/**
 * The parent side of the hostile property's attacker: forks
 * propertyAttacker.ts (its own process, so its client-side CPU is not
 * charged to the measuring one) with a fresh address per phase.
 */
const defaults = defaultConfig().net;

/** A running attacker process: `ready` once its connections are up, `stop()` answers its stats. */
export interface Attacker {
  pid: number;
  ready: Promise<void>;
  stop(): Promise<AttackStats>;
}

let nextAttacker = 10;

export function startAttacker(mode: AttackMode, server: { httpUrl: string; port: number }, secret: string): Attacker {
  // A fresh address per phase, so no phase inherits another's spent budget; loopback, for the slow-HTTP mode.
  const ip = `127.0.0.${nextAttacker++}`;
  const plan: AttackPlan = {
    mode,
    httpUrl: server.httpUrl,
    port: server.port,
    ip,
    secret,
    limits: {
      maxConnectionsPerIp: defaults.maxConnectionsPerIp,
      messagesPerSecond: defaults.maxMessagesPerSecond,
      maxPayloadBytes: defaults.maxPayloadBytes,
      maxFragments: defaults.maxFragments,
      maxHttpSocketsPerIp: defaults.maxHttpSocketsPerIp,
      matchmakeMaxBodyBytes: defaults.matchmakeMaxBodyBytes,
      maxSeatsPerIpPerRoom: defaultConfig().arena.maxSeatsPerIp,
    },
  };
  const child: ChildProcess = fork(new URL("./propertyAttacker.ts", import.meta.url).pathname, [JSON.stringify(plan)], {
    execArgv: ["--import", "tsx"],
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const ready = new Promise<void>((resolve, reject) => {
    child.on("message", (message: { type: string; error?: string }) => {
      if (message.type === "ready") resolve();
      if (message.type === "failed") reject(new Error(`attacker ${mode} failed: ${message.error}`));
    });
    void exited.then(() => reject(new Error(`attacker ${mode} exited before it was ready`)));
  });
  return {
    pid: child.pid ?? 0,
    ready,
    async stop() {
      const stats = new Promise<AttackStats>((resolve, reject) => {
        child.on("message", (message: { type: string; stats?: AttackStats }) => {
          if (message.type === "stats" && message.stats !== undefined) resolve(message.stats);
        });
        void exited.then(() => reject(new Error(`attacker ${mode} exited without its stats`)));
      });
      child.send({ type: "stop" });
      const answer = await Promise.race([stats, exited.then(() => stats)]);
      await exited;
      return answer;
    },
  };
}
