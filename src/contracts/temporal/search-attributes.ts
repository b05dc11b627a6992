import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';
import type { SearchAttributePair } from '@temporalio/common';

/**
 * The custom search attributes every Spine workflow carries, so runs are findable in the Web UI and with
 * `temporal workflow list --query "SpinePipeline = '…'"`. One registry, fed to the dev server flags
 * (temporal-dev.yml), the test server (createLocal) and the client.
 */
export const SpinePipeline = defineSearchAttributeKey('SpinePipeline', SearchAttributeType.KEYWORD);
export const SpineExecutionId = defineSearchAttributeKey('SpineExecutionId', SearchAttributeType.KEYWORD);
export const SpineWeekEnding = defineSearchAttributeKey('SpineWeekEnding', SearchAttributeType.KEYWORD);
export const SpineTier = defineSearchAttributeKey('SpineTier', SearchAttributeType.KEYWORD);
export const SpineCaptureId = defineSearchAttributeKey('SpineCaptureId', SearchAttributeType.KEYWORD);

export const SPINE_SEARCH_ATTRIBUTES = [
  SpinePipeline,
  SpineExecutionId,
  SpineWeekEnding,
  SpineTier,
  SpineCaptureId,
] as const;

/** `Keyword`-style names as `temporal server start-dev --search-attribute K=Type` expects them. */
export function searchAttributeTypeName(type: SearchAttributeType): string {
  return type === SearchAttributeType.KEYWORD_LIST ? 'KeywordList' : type.charAt(0) + type.slice(1).toLowerCase();
}

/** What a run is findable by from the moment it starts (week and tier when the params name them). */
export function startSearchAttributes(run: {
  readonly executionId: string;
  readonly pipeline: string;
  readonly params: Readonly<Record<string, unknown>>;
}): SearchAttributePair[] {
  const pairs: SearchAttributePair[] = [
    { key: SpinePipeline, value: run.pipeline },
    { key: SpineExecutionId, value: run.executionId },
  ];
  const week = run.params['week_ending'];
  const tier = run.params['tier'];
  if (typeof week === 'string' && week !== '') pairs.push({ key: SpineWeekEnding, value: week });
  if (typeof tier === 'string' && tier !== '') pairs.push({ key: SpineTier, value: tier });
  return pairs;
}

/** The memo on every Spine workflow: the correlation id and the params, shown in the Web UI. */
export function runMemo(run: { readonly executionId: string; readonly params: Readonly<Record<string, unknown>> }): {
  executionId: string;
  params: Readonly<Record<string, unknown>>;
} {
  return { executionId: run.executionId, params: run.params };
}
