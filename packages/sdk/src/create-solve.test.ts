import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '@trm/core';
import { toyDigitRuntime, toyDigitSpecialist } from '@trm/core/test';
import { createSolveFunction } from './create-solve';

const toy = toyDigitSpecialist;
const runtimeFor = toyDigitRuntime;

describe('createSolveFunction', () => {
  it('solves with one call, makes the router once, and names bad arguments', async () => {
    const loads: string[] = [];
    let routers = 0;
    const shipped = createSolveFunction({ specialists: () => (routers++, [toy('up', 4), toy('down', 6)]), runtime: () => runtimeFor(loads) });
    expect(await shipped.solve('2345')).toMatchObject({ task: 'up', answer: '3456', verified: true });
    expect(await shipped.solve('123456', { task: 'down', maxSteps: 4 })).toMatchObject({ task: 'down', answer: '012345' });
    expect(routers).toBe(1);
    expect(loads).toEqual(['up', 'down']); // each model loaded once, when first needed
    await expect(shipped.solve(undefined)).rejects.toMatchObject({ name: 'InvalidInputError', field: 'input' });
    await expect(shipped.solve('2345', 'fast' as never)).rejects.toMatchObject({ field: 'options' });
    await expect(shipped.solve('2345', { task: 3 } as never)).rejects.toMatchObject({ field: 'options.task' });
    await expect(shipped.solve('2345', { maxSteps: -1 })).rejects.toMatchObject({ field: 'options.maxSteps' });
    await shipped.dispose();
    await shipped.solve('2345');
    expect(routers).toBe(2); // disposed: the next call makes a new one
    await shipped.dispose();
  });
});
