/**
 * The core's error class: a plain Error (no n8n import, so the core stays usable without n8n) with a `code` to
 * branch on and a `hint` saying what the user can do. The node layer turns it into a NodeOperationError with
 * `message` and `hint` as description. Each area names its own subclass (ToolpathProblem, RequirementsProblem),
 * so `instanceof` and `name` tell them apart.
 */
export abstract class CoreProblem<Code extends string> extends Error {
	readonly code: Code;
	/** What the user can do about it, in plain words. */
	readonly hint: string;

	protected constructor(name: string, code: Code, message: string, hint: string) {
		super(message);
		this.name = name;
		this.code = code;
		this.hint = hint;
	}
}
