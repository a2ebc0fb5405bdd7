import { describe, expect, it } from 'vitest';
import { createRegistry, findRecipe, type Recipe } from './registry.js';

describe('createRegistry', () => {
  const registry = createRegistry<{ scale: number }, number>('toy method', {
    double: ({ scale }) => 2 * scale,
    triple: { create: ({ scale }) => 3 * scale, description: 'three times' },
  });

  it('creates by name and lists the names in order', () => {
    expect(registry.create('double', { scale: 2 })).toBe(4);
    expect(registry.create('triple', { scale: 2 })).toBe(6);
    expect(registry.names()).toEqual(['double', 'triple']);
    expect(registry.describe('triple')).toBe('three times');
    expect(registry.has('double')).toBe(true);
    expect(registry.has('quadruple')).toBe(false);
  });

  it('throws on an unknown name with the valid ones', () => {
    expect(() => registry.create('quadruple', { scale: 1 })).toThrow("unknown toy method 'quadruple'; valid: 'double', 'triple'");
  });

  it('registers a user factory and refuses a taken name', () => {
    const r = createRegistry<{ scale: number }, number>('toy method', { double: ({ scale }) => 2 * scale });
    r.register('half', ({ scale }) => scale / 2);
    expect(r.create('half', { scale: 3 })).toBe(1.5);
    expect(() => r.register('double', () => 0)).toThrow(/already registered/);
    expect(() => r.register('bad', 1 as never)).toThrow(/must be a function/);
  });
});

describe('findRecipe', () => {
  const recipes: Recipe<{ lr: number }>[] = [
    { name: 'paper', method: 'double', description: 'the paper', options: { lr: 0.3 } },
    { name: 'small', method: 'double', description: 'small data', options: { lr: 1e-3 } },
  ];
  it('finds by name or lists the valid names', () => {
    expect(findRecipe(recipes, 'small').options.lr).toBe(1e-3);
    expect(() => findRecipe(recipes, 'big')).toThrow("unknown recipe 'big'; valid: 'paper', 'small'");
  });
});
