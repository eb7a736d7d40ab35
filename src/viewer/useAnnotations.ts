// Measurements (length, angle, rectangle ROI): how many there are, and deleting them.
import { useCallback, useEffect, useState } from 'react';
import { eventTarget, type StackViewport } from '@cornerstonejs/core';
import { annotation, Enums as ToolEnums } from '@cornerstonejs/tools';

const CHANGE_EVENTS = [ToolEnums.Events.ANNOTATION_COMPLETED, ToolEnums.Events.ANNOTATION_REMOVED, ToolEnums.Events.ANNOTATION_ADDED];

export function useAnnotations(getViewport: () => StackViewport | null) {
  const [count, setCount] = useState(0);

  useEffect(() => {
    const onChanged = () => setCount(annotation.state.getAllAnnotations().length);
    for (const ev of CHANGE_EVENTS) eventTarget.addEventListener(ev, onChanged);
    return () => {
      for (const ev of CHANGE_EVENTS) eventTarget.removeEventListener(ev, onChanged);
    };
  }, []);

  const deleteSelected = useCallback(() => {
    const selected = annotation.selection.getAnnotationsSelected() ?? [];
    for (const uid of selected) annotation.state.removeAnnotation(uid);
    setCount(annotation.state.getAllAnnotations().length);
    getViewport()?.render();
  }, [getViewport]);

  const deleteAll = useCallback(() => {
    annotation.state.removeAllAnnotations();
    setCount(0);
    getViewport()?.render();
  }, [getViewport]);

  return { count, deleteSelected, deleteAll };
}
