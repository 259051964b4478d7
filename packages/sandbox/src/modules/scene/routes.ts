import { INVALID, readInt } from '../../server/fields.js';
import type { WireRoute } from '../../server/routes.js';
import { WireError } from '../../server/wire-error.js';

/**
 * Scenes inside the payment-verification scope of the component: Channels live rooms and
 * showcases (1175, 1176, 1177), Channels shop pages (1191) and Channels short videos (1195).
 */
export const COMPONENT_SCENES: ReadonlySet<number> = new Set([1175, 1176, 1177, 1191, 1195]);

export const sceneRoutes: WireRoute[] = [
  {
    path: '/shop/scene/check',
    handler: async ({ app, body }) => {
      const scene = readInt(body, 'scene');
      if (scene === undefined || scene === INVALID) throw new WireError(990007, 'scene.check.scene.missing');
      // The pipeline already refused apps whose component is not open (48001); a Channels scene
      // also needs the Channels scene group (1) opened for the account.
      const groupOpen = app!.access_state === 'accessed' && app!.settings.opened_scene_groups.includes(1);
      return { is_matched: groupOpen && COMPONENT_SCENES.has(scene) ? 1 : 0 };
    },
  },
];
