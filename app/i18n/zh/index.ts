// The Chinese messages, one file per capability (the source language: English is typed against it).
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

export const zh = {
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

type Widen<T> = { [K in keyof T]: T[K] extends string ? string : Widen<T[K]> }
export type Messages = Widen<typeof zh>
