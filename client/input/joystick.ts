/**
 * On-screen joystick for touch screens: drag the knob; the direction is the
 * knob's offset from the centre divided by the radius (length ≤ 1), so a
 * half-pushed stick walks at half speed.
 */
export class TouchJoystick {
  private dx = 0;
  private dy = 0;
  private pointer: number | undefined;
  private readonly abort = new AbortController();

  constructor(
    private readonly base: HTMLElement,
    private readonly knob: HTMLElement,
  ) {
    const { signal } = this.abort;
    base.addEventListener("pointerdown", (e) => this.start(e), { signal });
    base.addEventListener("pointermove", (e) => this.move(e), { signal });
    base.addEventListener("pointerup", (e) => this.end(e), { signal });
    base.addEventListener("pointercancel", (e) => this.end(e), { signal });
  }

  direction(): { dx: number; dy: number } {
    return { dx: this.dx, dy: this.dy };
  }

  dispose(): void {
    this.abort.abort();
  }

  private start(event: PointerEvent): void {
    this.pointer = event.pointerId;
    this.base.setPointerCapture(event.pointerId);
    this.move(event);
  }

  private move(event: PointerEvent): void {
    if (event.pointerId !== this.pointer) return;
    const rect = this.base.getBoundingClientRect();
    const radius = rect.width / 2;
    let x = (event.clientX - (rect.left + radius)) / radius;
    let y = (event.clientY - (rect.top + radius)) / radius;
    const length = Math.hypot(x, y);
    if (length > 1) {
      x /= length;
      y /= length;
    }
    this.dx = x;
    this.dy = y;
    this.knob.style.transform = `translate(${x * radius * 0.6}px, ${y * radius * 0.6}px)`;
  }

  private end(event: PointerEvent): void {
    if (event.pointerId !== this.pointer) return;
    this.pointer = undefined;
    this.dx = 0;
    this.dy = 0;
    this.knob.style.transform = "";
  }
}
