// The viewport's mouse and touch tools: fixed bindings for zoom, pan and scroll, and a primary
// button that follows the selected mode.
import { useEffect, useRef } from 'react';
import { Enums as ToolEnums, ToolGroupManager } from '@cornerstonejs/tools';
import { TOOL_NAMES } from './cornerstone.ts';

export type Mode = 'windowLevel' | 'zoom' | 'pan' | 'length' | 'angle' | 'rectangleRoi';

export const MODES: { mode: Mode; label: string }[] = [
  { mode: 'windowLevel', label: 'Window/level' },
  { mode: 'zoom', label: 'Zoom' },
  { mode: 'pan', label: 'Pan' },
  { mode: 'length', label: 'Length' },
  { mode: 'angle', label: 'Angle' },
  { mode: 'rectangleRoi', label: 'Rectangle ROI' },
];

const MB = ToolEnums.MouseBindings;
let toolGroupCounter = 0;

/** A new tool group on one viewport, window/level on the primary button; returns its id. */
export function createToolGroup(viewportId: string, renderingEngineId: string): string {
  toolGroupCounter += 1;
  const toolGroupId = `jmix-tools-${toolGroupCounter}`;
  const group = ToolGroupManager.createToolGroup(toolGroupId);
  if (!group) throw new Error(`Could not create the tool group ${toolGroupId}.`);
  for (const name of Object.values(TOOL_NAMES)) group.addTool(name);
  group.addViewport(viewportId, renderingEngineId);
  group.setToolActive(TOOL_NAMES.windowLevel, { bindings: [{ mouseButton: MB.Primary }] });
  group.setToolActive(TOOL_NAMES.zoom, { bindings: [{ mouseButton: MB.Secondary }, { numTouchPoints: 2 }] });
  group.setToolActive(TOOL_NAMES.pan, { bindings: [{ mouseButton: MB.Auxiliary }] });
  group.setToolActive(TOOL_NAMES.stackScroll, { bindings: [{ mouseButton: MB.Wheel }, { numTouchPoints: 1 }] });
  // Passive measurement tools keep existing measurements selectable and editable.
  group.setToolPassive(TOOL_NAMES.length);
  group.setToolPassive(TOOL_NAMES.angle);
  group.setToolPassive(TOOL_NAMES.rectangleRoi);
  return toolGroupId;
}

/** Primary mouse button follows the selected mode; the other bindings stay. */
export function useToolMode(toolGroupId: string | null, mode: Mode): void {
  // A new group starts in window/level (createToolGroup).
  const activeRef = useRef<Mode>('windowLevel');
  useEffect(() => {
    activeRef.current = 'windowLevel';
  }, [toolGroupId]);
  useEffect(() => {
    if (!toolGroupId) return;
    const group = ToolGroupManager.getToolGroup(toolGroupId);
    if (!group) return;
    const prev = activeRef.current;
    if (prev !== mode) group.setToolPassive(TOOL_NAMES[prev]);
    group.setToolActive(TOOL_NAMES[mode], { bindings: [{ mouseButton: MB.Primary }] });
    activeRef.current = mode;
  }, [toolGroupId, mode]);
}
