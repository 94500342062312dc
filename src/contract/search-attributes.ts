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

export const mosaicSearchAttributes = [MosaicKind, MosaicResourceType, MosaicRegion, MosaicAccount, MosaicState];
