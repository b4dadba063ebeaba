// The English messages, one file per capability (typed against the Chinese ones, so neither can miss a key).
import type { Messages } from '../zh'
import { catalog } from './catalog'
import { ledger, regulatorConsole } from './ledger'
import { licences } from './licences'
import { market } from './market'
import { openData } from './open-data'
import { orders } from './orders'
import { research } from './research'
import { scan } from './scan'
import {
  apiKeys,
  app,
  common,
  complaintsDesk,
  recordRequestsDesk,
  authorizations,
  emergency,
  disputes,
  rectifications,
  projects,
  home,
  identityDesk,
  landing,
  login,
  nav,
  orgTypes,
  register,
  roles,
} from './shell'
import { notifications } from './notifications'
import { verification } from './verification'
import { sharing } from './sharing'
import { supervision } from './supervision'
import { confidentiality, security } from './security'
import { error } from './errors'

export const en: Messages = {
  app,
  nav,
  roles,
  orgTypes,
  landing,
  login,
  register,
  identityDesk,
  complaintsDesk,
  recordRequestsDesk,
  authorizations,
  emergency,
  disputes,
  rectifications,
  projects,
  home,
  apiKeys,
  ledger,
  common,
  catalog,
  openData,
  scan,
  market,
  supervision,
  security,
  confidentiality,
  research,
  licences,
  orders,
  regulatorConsole,
  sharing,
  notifications,
  verification,
  error,
}
