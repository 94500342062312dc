import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

/**
 * One name for one thing: these keys are what the Web UI filters on, what the
 * dev server registers at start and what every workflow sets.
 */
export const MosaicKind = defineSearchAttributeKey('MosaicKind', SearchAttributeType.KEYWORD);
export const MosaicResourceType = defineSearchAttributeKey('MosaicResourceType', SearchAttributeType.KEYWORD);
export const MosaicRegion = defineSearchAttributeKey('MosaicRegion', SearchAttributeType.KEYWORD);
export const MosaicAccount = defineSearchAttributeKey('MosaicAccount', SearchAttributeType.KEYWORD);
export const MosaicState = defineSearchAttributeKey('MosaicState', SearchAttributeType.KEYWORD);

/** What a negotiation agreed on, set once it is agreed: the Web UI filters on them (`MosaicMonthlyUsd < 200`). */
export const MosaicInstanceType = defineSearchAttributeKey('MosaicInstanceType', SearchAttributeType.KEYWORD);
export const MosaicMonthlyUsd = defineSearchAttributeKey('MosaicMonthlyUsd', SearchAttributeType.DOUBLE);

export const mosaicSearchAttributes = [
  MosaicKind,
  MosaicResourceType,
  MosaicRegion,
  MosaicAccount,
  MosaicState,
  MosaicInstanceType,
  MosaicMonthlyUsd,
];
