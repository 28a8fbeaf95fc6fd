/** Find printer's waiting / running / over view, derived from the one phase table, against the table it replaced. */
import { farmPhase } from '../../../nodes/UltimakerDigitalFactory/core/farm/workload';
import { jobPhase, PHASE_BY_STATUS } from '../../../nodes/UltimakerDigitalFactory/core/status/phases';

/** workload.ts's own table before it was derived (c68890f): any status not listed counted as waiting. */
const OLD_PHASES: Record<string, 'waiting' | 'running' | 'over'> = {
	pre_print: 'running',
	printing: 'running',
	pausing: 'running',
	paused: 'running',
	resuming: 'running',
	aborting: 'running',
	post_print: 'running',
	wait_user_action: 'running',
	finished: 'over',
	aborted: 'over',
	failed: 'over',
	wait_cleanup: 'over',
	deleted: 'over',
};
const oldPhase = (status: string | null | undefined) => OLD_PHASES[status ?? ''] ?? 'waiting';

const statuses = [...Object.keys(PHASE_BY_STATUS), ...Object.keys(OLD_PHASES), 'some_future_status', '', null, undefined];

test.each(statuses)('status %p: the derived view gives what the old table gave', (status) => {
	expect(farmPhase(status)).toBe(oldPhase(status));
});

test('the table knows every status the old farm table named', () => {
	for (const status of Object.keys(OLD_PHASES)) expect(jobPhase(status)).not.toBe('other');
});
