/**
 * The pipeline registry's refusals and listing (src/core/pipeline/registry.ts) and how log context fields
 * nest (src/core/logging/log-context.ts), with exact values.
 */
import { describe, expect, it } from 'vitest';
import { PipelineNotFoundError } from '../../../src/core/errors.js';
import { currentLogContext, withLogContext } from '../../../src/core/logging/log-context.js';
import { PipelineRegistry } from '../../../src/core/pipeline/registry.js';
import type { PipelineDefinition } from '../../../src/core/pipeline/types.js';
import { echoPipeline } from '../../helpers/test-pipelines.js';

const named = (name: string, stages = echoPipeline.stages): PipelineDefinition => ({ ...echoPipeline, name, stages });

describe('PipelineRegistry', () => {
  it('lists names sorted, and by prefix', () => {
    const r = new PipelineRegistry().register(named('b.two')).register(named('a.one')).register(named('b.one'));
    expect(r.names()).toEqual(['a.one', 'b.one', 'b.two']);
    expect(r.list('b.').map((p) => p.name)).toEqual(['b.one', 'b.two']);
    expect(r.list().map((p) => p.name)).toEqual(['a.one', 'b.one', 'b.two']);
    expect(r.list('one')).toEqual([]);
    expect(r.has('a.one')).toBe(true);
    expect(r.has('a.on')).toBe(false);
    expect(r.get('b.two').name).toBe('b.two');
  });

  it('refuses a second pipeline of one name and a stage declared twice', () => {
    const r = new PipelineRegistry().register(named('a.one'));
    expect(() => r.register(named('a.one'))).toThrow("Pipeline 'a.one' is already registered");
    const stage = echoPipeline.stages[0] as PipelineDefinition['stages'][number];
    expect(() => r.register(named('a.two', [stage, stage]))).toThrow(
      `Pipeline 'a.two' declares stage '${stage.name}' twice`,
    );
    expect(r.has('a.two')).toBe(false);
  });

  it('an unknown name is PipelineNotFoundError with the registered names', () => {
    const r = new PipelineRegistry().register(named('a.one')).register(named('a.two'));
    let err: unknown;
    try {
      r.get('a.onr');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(PipelineNotFoundError);
    expect((err as PipelineNotFoundError).details['available']).toEqual(['a.one', 'a.two']);
  });
});

describe('withLogContext', () => {
  it('merges fields over the enclosing context, drops null and undefined ones, and inherits the step hook', () => {
    const hook = (): void => undefined;
    expect(currentLogContext()).toBeUndefined();
    withLogContext(
      { execution_id: 'e1', pipeline: 'p', step: 's' },
      () => {
        withLogContext({ step: null, span_id: 'x', skipped: undefined }, () => {
          expect(currentLogContext()?.fields).toEqual({ execution_id: 'e1', pipeline: 'p', span_id: 'x' });
          expect(currentLogContext()?.onStepEnd).toBe(hook);
        });
        expect(currentLogContext()?.fields).toEqual({ execution_id: 'e1', pipeline: 'p', step: 's' });
      },
      hook,
    );
    withLogContext({ a: 1 }, () => {
      expect(currentLogContext()).toEqual({ fields: { a: 1 } });
    });
  });
});
