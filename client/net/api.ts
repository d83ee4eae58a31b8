import type { GuestTokenResponse, RoomListing } from "../../shared/index.ts";

const ROOM_STATUS_TIMEOUT_MS = 2000;

/** HTTP calls to the game server (same origin as the page). */
export class ServerApi {
  constructor(
    private readonly baseUrl: string,
    private readonly fetchFn: typeof fetch = (input, init) => fetch(input, init),
  ) {}

  /**
   * A guest access token and renewal token for `name`. With `renewToken` (the
   * one the previous answer carried) the server keeps the player id; without
   * it, or if it is refused, the answer is a new identity.
   */
  async guestToken(name: string | undefined, renewToken?: string): Promise<GuestTokenResponse> {
    const headers: Record<string, string> = { "content-type": "application/json" };
    if (renewToken !== undefined) headers.authorization = `Bearer ${renewToken}`;
    const response = await this.fetchFn(`${this.baseUrl}/auth/guest`, {
      method: "POST",
      headers,
      body: JSON.stringify({ name }),
    });
    if (!response.ok) throw new Error(`could not get a player token (HTTP ${response.status})`);
    return (await response.json()) as GuestTokenResponse;
  }

  async rooms(): Promise<RoomListing[]> {
    const response = await this.fetchFn(`${this.baseUrl}/rooms`, { cache: "no-store" });
    if (!response.ok) throw new Error(`could not list rooms (HTTP ${response.status})`);
    return (await response.json()) as RoomListing[];
  }

  /**
   * Whether the server still lists room `roomId`: "gone" only on a definite
   * 404; "unknown" when the server cannot be reached or answers otherwise
   * (the network may be what is down, not the room).
   */
  async roomStatus(roomId: string): Promise<RoomStatus> {
    try {
      const response = await this.fetchFn(`${this.baseUrl}/rooms/${encodeURIComponent(roomId)}`, {
        cache: "no-store",
        // An unreachable server may not refuse at once; the next check comes soon after.
        signal: AbortSignal.timeout(ROOM_STATUS_TIMEOUT_MS),
      });
      if (response.ok) return "listed";
      return response.status === 404 ? "gone" : "unknown";
    } catch {
      return "unknown";
    }
  }
}

export type RoomStatus = "listed" | "gone" | "unknown";
