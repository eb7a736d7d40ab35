// Cine: step through the stack at `fps` frames a second, looping, while it is on.
import { useEffect, useState } from 'react';
import type { StackViewport } from '@cornerstonejs/core';
import { stepLooping } from './view-actions.ts';

export function useCine(getViewport: () => StackViewport | null) {
  const [playing, setPlaying] = useState(false);
  const [fps, setFps] = useState(10);

  useEffect(() => {
    if (!playing) return;
    const rate = Math.max(1, Math.min(60, fps || 1));
    const timer = window.setInterval(() => {
      const vp = getViewport();
      if (vp) stepLooping(vp);
    }, 1000 / rate);
    return () => window.clearInterval(timer);
  }, [playing, fps, getViewport]);

  return { playing, setPlaying, fps, setFps };
}
