import type { GuestTokenResponse, RoomListing } from "../../shared/index.ts";

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
}
