/**
 * The emulator's virtual clock. Virtual time runs at `speed` × real time (0 freezes it) and can be moved
 * forward explicitly, so tests drive a 2-hour print in one call while the CLI runs in (sped-up) real time.
 */
export interface Clock {
	/** Virtual time in epoch milliseconds. */
	now(): number;
}

export class VirtualClock implements Clock {
	private baseVirtualMs: number;
	private baseRealMs: number;
	private currentSpeed: number;

	constructor(
		speed = 1,
		startMs = Date.now(),
		private readonly realNow: () => number = () => Date.now(),
	) {
		assertSpeed(speed);
		this.baseVirtualMs = startMs;
		this.baseRealMs = this.realNow();
		this.currentSpeed = speed;
	}

	now(): number {
		return this.baseVirtualMs + (this.realNow() - this.baseRealMs) * this.currentSpeed;
	}

	get speed(): number {
		return this.currentSpeed;
	}

	setSpeed(speed: number): void {
		assertSpeed(speed);
		this.rebase();
		this.currentSpeed = speed;
	}

	advance(seconds: number): void {
		if (!Number.isFinite(seconds) || seconds < 0) throw new RangeError('seconds must be a finite number >= 0');
		this.rebase();
		this.baseVirtualMs += seconds * 1000;
	}

	private rebase(): void {
		const real = this.realNow();
		this.baseVirtualMs += (real - this.baseRealMs) * this.currentSpeed;
		this.baseRealMs = real;
	}
}

function assertSpeed(speed: number): void {
	if (!Number.isFinite(speed) || speed < 0) throw new RangeError('speed must be a finite number >= 0');
}

/** A fixed clock for pure unit tests of the simulation. */
export function fixedClock(ms: number): Clock {
	return { now: () => ms };
}
