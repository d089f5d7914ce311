import { describe, expect, it } from 'vitest';
import { meetsAvailability, pickInvitationMessage } from '../../src/rules/index.ts';

describe('pickInvitationMessage', () => {
  const message = {
    default: 'Need a hand with your order?',
    byLanguage: { de: 'Brauchen Sie Hilfe?', 'de-CH': 'Bruuched Sie Hilf?', 'pt-BR': 'Precisa de ajuda?' },
  };
  it.each([
    ['de-CH', 'Bruuched Sie Hilf?'],
    ['DE-ch', 'Bruuched Sie Hilf?'],
    ['de-AT', 'Brauchen Sie Hilfe?'],
    ['de', 'Brauchen Sie Hilfe?'],
    ['pt', 'Precisa de ajuda?'],
    ['pt-PT', 'Precisa de ajuda?'],
    ['fr-FR', 'Need a hand with your order?'],
    ['', 'Need a hand with your order?'],
  ])('picks the %s variant', (language, expected) => {
    expect(pickInvitationMessage(message, language)).toBe(expected);
  });
  it('uses the default without variants', () => {
    expect(pickInvitationMessage({ default: 'Hi' }, 'de')).toBe('Hi');
  });
});

describe('meetsAvailability', () => {
  const agent = (over: Partial<Parameters<typeof meetsAvailability>[1][number]> = {}) => ({
    teamIds: ['sales'],
    accepting: true,
    activeChats: 1,
    maxChats: 2,
    ...over,
  });
  it('needs an accepting agent with a free slot', () => {
    expect(meetsAvailability({ type: 'any_agent' }, [agent()])).toBe(true);
    expect(meetsAvailability({ type: 'any_agent' }, [agent({ activeChats: 2 })])).toBe(false);
    expect(meetsAvailability({ type: 'any_agent' }, [agent({ accepting: false })])).toBe(false);
    expect(meetsAvailability({ type: 'any_agent' }, [])).toBe(false);
  });
  it('needs the agent to be in the required team', () => {
    expect(meetsAvailability({ type: 'team', teamId: 'support' }, [agent()])).toBe(false);
    expect(
      meetsAvailability({ type: 'team', teamId: 'support' }, [agent(), agent({ teamIds: ['support'] })]),
    ).toBe(true);
  });
});
