/** The JD seller promotion service (`jingdong.seller.promotion.*`, 16 methods over JOS): its module of the registry. */
import { TEST_CONTROL_PATH } from '../../core/test-control.js';
import { JOS_FAULTS } from '../../protocols/jos/faults.js';
import { promotionApiCompiled } from '../../spec/compile.js';
import { listFaults } from '../fault-tables.js';
import type { ApiDef } from '../types.js';
import { PROMOTION_CONTROL_ACTIONS } from './control-actions.js';
import { promotionFace } from './face.js';
import { JDP_FAULTS } from './faults.js';
import { PROMOTION_MUTATION_PREFIX, promotionFaultRules, specMutationsById } from './fault-table.js';
import { PROMOTION_FIXTURES } from './fixtures.js';
import { PROMOTION_READINGS } from './readings.js';

export const jdPromotionApi: ApiDef = {
  id: 'jd-promotion',
  title: 'JD seller promotion service',
  protocol: 'jos',
  compiled: promotionApiCompiled,
  rulePrefixes: ['JOS-', 'JDP-'],
  systemProbe: { operation: 'jingdong.seller.promotion.list', params: {} },
  faults: {
    // The JOS gateway's faults are listed here, under the first API served over JOS.
    named: listFaults([JOS_FAULTS, JDP_FAULTS]),
    rulesOf: promotionFaultRules,
    mutationPrefix: PROMOTION_MUTATION_PREFIX,
    mutations: specMutationsById,
  },
  readings: PROMOTION_READINGS,
  controlActions: PROMOTION_CONTROL_ACTIONS,
  testControlRoutes: { path: TEST_CONTROL_PATH, what: 'clock, reviews' },
  fixtures: PROMOTION_FIXTURES,
  face: promotionFace,
};
