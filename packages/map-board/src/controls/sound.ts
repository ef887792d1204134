/**
 * The optional P1 alert: two short tones made with WebAudio (no sound file to load). Off by
 * default. Browsers only let a page make sound after a user gesture: the switch in the header
 * is that gesture; a kiosk that starts with sound on either gets one click or runs Chromium
 * with `--autoplay-policy=no-user-gesture-required`.
 */
export class Beeper {
  private context: AudioContext | null = null;

  constructor(public enabled = false) {}

  /** Turns the sound on or off; call from the click handler (it unlocks audio). */
  toggle(): boolean {
    this.enabled = !this.enabled;
    if (this.enabled) {
      this.unlock();
      this.beep();
    }
    return this.enabled;
  }

  /** Creates or resumes the audio context; browsers allow it inside a user gesture. */
  unlock(): void {
    const Context = globalThis.AudioContext;
    if (!Context) return;
    this.context ??= new Context();
    if (this.context.state === 'suspended') void this.context.resume().catch(() => undefined);
  }

  /** Two tones, 880 Hz then 660 Hz, 0.18 s each. Silent when off or not unlocked yet. */
  beep(): void {
    if (!this.enabled) return;
    this.unlock();
    const ctx = this.context;
    if (ctx?.state !== 'running') return;
    const start = ctx.currentTime;
    [880, 660].forEach((frequency, i) => {
      const osc = ctx.createOscillator();
      const gain = ctx.createGain();
      osc.type = 'square';
      osc.frequency.value = frequency;
      const t0 = start + i * 0.22;
      gain.gain.setValueAtTime(0.0001, t0);
      gain.gain.exponentialRampToValueAtTime(0.25, t0 + 0.02);
      gain.gain.exponentialRampToValueAtTime(0.0001, t0 + 0.18);
      osc.connect(gain).connect(ctx.destination);
      osc.start(t0);
      osc.stop(t0 + 0.2);
    });
  }
}
