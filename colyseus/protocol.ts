/**
 * The wall: every file in colyseus/ is a place where Tickwire knows
 * Colyseus' or ws' insides (private fields, runtime patches, wire layouts).
 * Each names the upstream versions it mirrors in a `Mirrors:` line, and
 * test/wall/ pins each reach (and fails when an installed version differs
 * from the one named here, so an upgrade re-reads every reach).
 *
 * Mirrors: @colyseus/shared-types@0.18.3 src/Protocol.ts (PROTOCOL_CODE_MASK, ProtocolModifier.TIMED), as shipped with @colyseus/core@0.18.17
 * Mirrors: @colyseus/core@0.18.17 src/serializer/SchemaSerializer.ts (TIMED_PREFIX_SIZE)
 *
 * This file: the leading byte of every Colyseus frame. Protocol codes sit in
 * bits 0..4; bits 5..7 carry ProtocolModifier flags (Protocol.ts: "Decoders
 * strip the modifier bits before dispatching: buffer[0] & 0x1F").
 */
export const PROTOCOL_CODE_MASK = 0x1f;

/** The protocol code of a frame (its first byte without modifier bits); 0 for an empty frame. */
export function protocolCodeOf(frame: Uint8Array): number {
  return (frame[0] ?? 0) & PROTOCOL_CODE_MASK;
}

/**
 * ProtocolModifier.TIMED: the frame carries `[uint32 sNow LE][uint32 inputSeq LE]`
 * after its protocol byte (state and patches to clients whose room has inputs).
 */
export const TIMED_MODIFIER = 0x80;
export const TIMED_PREFIX_BYTES = 8;

/** Where a frame's body starts: after the protocol byte and, on TIMED frames, the time + input-ack prefix. */
export function bodyOffsetOf(frame: Uint8Array): number {
  return 1 + ((frame[0] ?? 0) & TIMED_MODIFIER ? TIMED_PREFIX_BYTES : 0);
}
